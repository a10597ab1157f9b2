// FeatureSelection module of Atelier.
