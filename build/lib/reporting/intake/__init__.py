"""Returns coming in: collecting the inbox, opening any file, reading the form."""
