"""Local tooling: run the connector through OpenMetadata's workflow without a server."""
