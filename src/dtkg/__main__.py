"""``python -m dtkg`` is the ``dtkg`` command."""

import sys

from dtkg.cli import main

sys.exit(main())
