// Metrics module of Atelier.
