#!/usr/bin/env node
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write('strata: Strata is not built yet. Run "npm install" (or "npm run build") in the Strata folder first.\n')
  process.exit(1)
}
require(cli)
