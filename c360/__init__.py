"""c360 core: settings, paths, the serving-database connection, publishing and the CLI."""
