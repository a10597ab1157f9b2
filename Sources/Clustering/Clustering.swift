// Clustering module of Atelier.
