// Embedding module of Atelier.
