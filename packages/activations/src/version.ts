// Written by scripts/write-versions.mjs from package.json; do not edit.
export const PACKAGE_NAME = '@keel/activations';
export const VERSION = '0.1.0';
