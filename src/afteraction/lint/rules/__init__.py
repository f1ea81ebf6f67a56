"""The built-in lint rules, one module each; the registry finds every rule class here."""
