#!/usr/bin/env node
'use strict';
// Compiles the TypeScript tree into dist/ and copies each node's editor files (.html, locales/) and
// the top-level icons/ beside the compiled nodes, where Node-RED looks for them.
async function build() {
  const { execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { pathToFileURL } = await import('node:url');

  const root = path.resolve(__dirname, '..');
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });

  const nodesSrc = path.join(root, 'nodes');
  const nodesOut = path.join(root, 'dist', 'nodes');
  if (fs.existsSync(nodesSrc)) {
    fs.mkdirSync(nodesOut, { recursive: true });
    for (const entry of fs.readdirSync(nodesSrc, { withFileTypes: true })) {
      const from = path.join(nodesSrc, entry.name);
      const to = path.join(nodesOut, entry.name);
      if (entry.isDirectory() && entry.name === 'locales') {
        fs.cpSync(from, to, { recursive: true });
      } else if (entry.isFile() && entry.name.endsWith('.html')) {
        fs.copyFileSync(from, to);
      }
    }
  }
  // The icons live at the top level of the repository; Node-RED serves a module's icons from the icons/
  // folder beside its node files.
  fs.cpSync(path.join(root, 'icons'), path.join(nodesOut, 'icons'), { recursive: true });

  // ---- The editor: browser bundles in resources/, node html with the shared rows, catalogues and help (scripts/editor-build.ts).
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
