package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build information.
var version = ""

func runVersion(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("version", "version", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(io.out, "linkbot", versionString())
	return nil
}

func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
