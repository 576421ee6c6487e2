import { fileURLToPath } from 'node:url';
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
  resolve: {
    // yaml's ES module build (the one its package serves outside Node; it uses no Node API) can be
    // tree-shaken, where its CommonJS build would be bundled whole and evaluated behind CommonJS wrappers.
    alias: [{ find: /^yaml$/, replacement: fileURLToPath(new URL('./node_modules/yaml/browser/index.js', import.meta.url)) }],
  },
  ssr: { noExternal: ['commander', 'zod', 'yaml', 'ipaddr.js', 'tldts', 'tldts-core'] },
});
