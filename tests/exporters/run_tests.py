"""Run the exporter tests (tests/exporters/test_*.py) and print one closing summary line.

    python3 tests/exporters/run_tests.py [-k PATTERN]

Normally started by scripts/test-exporters.sh, which uses the pinned tools
installed by scripts/setup-exporters.sh.
"""

import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv):
    # Keep __pycache__ out of the source tree.
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(HERE))
    loader = unittest.TestLoader()
    if "-k" in argv:
        loader.testNamePatterns = [f"*{argv[argv.index('-k') + 1]}*"]
    suite = loader.discover(str(HERE), pattern="test_*.py", top_level_dir=str(HERE))
    t0 = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    seconds = time.monotonic() - t0
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    status = "FAILED" if failed or result.testsRun == 0 else "ok"
    print(f"exporter tests: {status}: {passed} passed, {failed} failed, {skipped} skipped in {seconds:.0f}s")
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
