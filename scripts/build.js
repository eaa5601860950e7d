#!/usr/bin/env node
'use strict';
// Compiles the TypeScript tree into dist/ and copies each node's editor files (.html, locales/) and
// the top-level icons/ beside the compiled nodes, where Node-RED looks for them.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

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
require(path.join(root, 'dist', 'scripts', 'editor-build.js')).buildEditor(root);

for (const cli of [path.join(root, 'dist', 'src', 'cli', 'tie-fabric.js'), path.join(root, 'dist', 'src', 'cli', 'tie-dxl.js')]) {
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}
