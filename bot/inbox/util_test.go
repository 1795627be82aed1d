package inbox_test

import (
	"os"
	"strconv"

	"github.com/linkbot/linkbot/store/storetest"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func storetestEnabled() bool { return os.Getenv(storetest.EnvURL) != "" }
