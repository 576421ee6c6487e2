// The bundle holds only code; the SQL migrations ship beside it, where the Node migrator looks (dist/store/migrations).
import { cpSync } from 'node:fs';

cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });
