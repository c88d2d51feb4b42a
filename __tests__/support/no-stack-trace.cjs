'use strict';
// jest only (moduleNameMapper in jest.config.js): cdktf and constructs capture a full stack
// trace for every token and metadata entry they create (debug information, never part of the
// synthesized output). Under jest each captured frame goes through jest's source-map support,
// which made the stack specs spend a third of their time there. The real commands keep them.
exports.captureStackTrace = () => [];
