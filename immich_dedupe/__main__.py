import sys

from immich_dedupe.cli import main

sys.exit(main())
