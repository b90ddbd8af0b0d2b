package model

// CLVGradientOf exposes an analysis's per-customer CLV gradients to the
// tests of package model_test.
func CLVGradientOf(a *Analysis) []float64 { return a.clvGrad }
