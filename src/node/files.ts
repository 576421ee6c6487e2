import { constants, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Files that hold what only the operator should read (the database keeps message headers, the token file a
 * credential): directories are created 0700 and files 0600, whatever the umask allows.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates `file` empty with mode 0600 unless it exists. SQLite gives its `-wal` and `-shm` files the mode of
 * the database file, so creating the database this way before SQLite opens it covers all three.
 */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The permission bits that let group or others read or write `file` (0 when only its owner can). */
export function openToOthers(file: string): number {
  return statSync(file).mode & 0o077;
}
