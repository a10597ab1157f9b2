// Preprocessing module of Atelier.
