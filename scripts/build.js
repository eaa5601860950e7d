#!/usr/bin/env node
'use strict';
// Compiles the TypeScript tree into dist/, then writes each node's editor files beside its compiled
// runtime, where Node-RED looks for them (scripts/editor-build.ts).
async function build() {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { pathToFileURL } = await import('node:url');

  const root = path.resolve(__dirname, '..');
  // A fresh dist/: a file renamed or removed in the sources leaves no compiled copy behind to be loaded.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

  // The compiled module is CommonJS: its module.exports is the namespace's default.
  const editorBuild = await import(pathToFileURL(path.join(root, 'dist', 'scripts', 'editor-build.js')).href);
  editorBuild.default.buildEditor(root);

  for (const cli of [path.join(root, 'dist', 'src', 'cli', 'tie-fabric.js'), path.join(root, 'dist', 'src', 'cli', 'tie-dxl.js')]) {
    if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
  }
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
