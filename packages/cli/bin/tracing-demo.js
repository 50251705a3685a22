#!/usr/bin/env node
// A committed entry point, so `npm ci` links the command before the first build; the code
// itself is TypeScript compiled to dist/ by `npm run build`.
import '../dist/main.js';
