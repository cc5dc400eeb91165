"""`python -m c360.cli`: the `c360` command in a process of its own (the tests start it so)."""

import sys

from c360.cli import main

sys.exit(main())
