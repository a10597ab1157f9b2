// Reports module of Atelier.
