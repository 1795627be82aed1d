package inbox

import "context"

type schemeKey struct{}

// withScheme carries the scheme an API token belongs to.
func withScheme(ctx context.Context, schemeID int64) context.Context {
	return context.WithValue(ctx, schemeKey{}, schemeID)
}

func schemeOf(ctx context.Context) int64 { return ctx.Value(schemeKey{}).(int64) }
