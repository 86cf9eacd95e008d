'use strict';
// CommonJS entry: keyhole-audit is an ES module. Node versions that can
// require() an ES module (20.19+, 22.12+) get the Node build; older ones get
// an error that says how to import it instead.
try {
  module.exports = require('./node.js');
} catch (err) {
  if (err && (err.code === 'ERR_REQUIRE_ESM' || err.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    const hint = new Error(
      'keyhole-audit is an ES module and this Node.js (' + process.version + ') cannot require() it. ' +
        "Use `import { audit } from 'keyhole-audit'`, or from CommonJS " +
        "`const { audit } = await import('keyhole-audit')`; Node 20.19+ and 22.12+ also support require().",
    );
    hint.code = 'ERR_REQUIRE_ESM';
    hint.cause = err;
    throw hint;
  }
  throw err;
}
