// Written by scripts/write-versions.mjs from package.json; do not edit.
export const PACKAGE_NAME = '@keel/demo';
export const VERSION = '0.0.0';
