import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/node-version.js';

describe('the Node.js version check', () => {
  it.each(['22.19.0', '22.23.3', '24.0.0', '24.21.0', '26.1.0', 'v22.19.1'])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });
  it.each(['20.20.2', '22.18.9', '22.9.0', '18.20.0', 'v21.7.3'])('refuses %s, naming it and the minimum', (version) => {
    expect(unsupportedNode(version)).toMatch(new RegExp(`Node\\.js ${version.replace('.', '\\.')}.* is not supported.*22\\.19`));
  });
});
