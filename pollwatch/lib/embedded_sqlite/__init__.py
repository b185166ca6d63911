"""The embedded SQLite database: Django's backend, making its folder on first connection.

Settings only name the file; a command that never connects (an analyst's
``pollwatch pvt estimate``) leaves the working folder as it found it.
"""
