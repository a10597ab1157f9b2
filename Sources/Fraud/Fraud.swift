// Fraud module of Atelier.
