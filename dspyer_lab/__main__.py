"""`python -m dspyer_lab`: the same as the `dspyer-lab` command."""

import sys

from .cli import main

sys.exit(main())
