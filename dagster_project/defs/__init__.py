"""Assets, checks, resources and automation, one small module per concern."""
