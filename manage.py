#!/usr/bin/env python
from pollwatch.cli import main

if __name__ == "__main__":
    main()
