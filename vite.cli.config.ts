import { defineConfig } from 'vite';

/**
 * The CLI as shipped: src/cli.ts and the portable libraries it loads on every start (commander, zod, yaml,
 * ipaddr.js, tldts) bundled into a few chunks, one per lazily imported command, so a short command reads a
 * handful of files instead of two hundred. Node-only packages (native code, sockets) stay external.
 */
export default defineConfig({
  logLevel: 'warn',
  build: {
    ssr: 'src/cli.ts',
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node22',
    sourcemap: true,
    rollupOptions: {
      output: { format: 'es', entryFileNames: 'cli.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { noExternal: ['commander', 'zod', 'yaml', 'ipaddr.js', 'tldts', 'tldts-core'] },
});
