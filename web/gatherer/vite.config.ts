import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/gatherer/',
  plugins: [preact()],
  build: { target: 'es2020', assetsInlineLimit: 0, modulePreload: { polyfill: false } },
});
