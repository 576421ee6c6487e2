// A process that starts a job which never finishes, so a test can kill it mid-run.
import { parseConfigText } from '../../src/config/parse.js';
import { createJobRunner } from '../../src/jobs/job-runner.js';
import { silentLogger } from '../../src/log.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { registerProcessOwner } from '../../src/node/process-owner.js';
import { openStore } from '../../src/node/sqlite-store.js';

const database = process.argv[2];
if (!database) throw new Error('usage: endless-job.ts DATABASE');
const config = parseConfigText('', 'endless.yaml', {});
const db = await openStore(database);
const owner = await registerProcessOwner(db, 'endless-job', silentLogger);
const runner = createJobRunner({ config, db, log: silentLogger, resolver: createNodeRuntime(config).resolver, owner });
void runner.run({ name: 'endless', description: 'never finishes', run: () => new Promise(() => setInterval(() => {}, 1000)) }, 'manual');
setTimeout(() => process.stdout.write('started\n'), 50);
