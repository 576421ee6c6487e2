/** The oldest Node.js inboxwatch runs on: better-sqlite3 13 and mailauth 7 need 22.19. */
export const MINIMUM_NODE = '22.19.0';

/** Why this Node.js version cannot run inboxwatch, or undefined when it can. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = MINIMUM_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Node.js ${version} is not supported: inboxwatch needs Node.js ${MINIMUM_NODE} or later (22 or 24 LTS recommended)`;
}
