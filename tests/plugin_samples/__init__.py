"""Sample plugins for the registry tests: a rule that works, one that clashes, one that breaks."""
