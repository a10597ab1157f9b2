// Plotting module of Atelier.
