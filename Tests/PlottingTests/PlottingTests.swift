import Testing

// Tests of the Plotting target live in this folder.
