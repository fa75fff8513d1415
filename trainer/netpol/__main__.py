"""python -m trainer.netpol check ...: the engine's command line, with default limits."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
