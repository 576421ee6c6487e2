import type { ProcessOwner } from '../../src/store/owners.js';

/** For tests about something else: the only process there is, to which every other owner is gone. */
export const soleOwner: ProcessOwner = { id: 'the-test-process', isGone: async (id) => id !== 'the-test-process' };
