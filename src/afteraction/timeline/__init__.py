"""Timeline building: sources read into normalised events, merged into one timeline."""
