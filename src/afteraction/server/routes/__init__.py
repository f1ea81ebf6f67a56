"""The REST API's routes, one module per thing they act on."""
