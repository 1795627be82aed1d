package bot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
)

func TestRetryable(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantRetry bool
		wantAfter time.Duration
	}{
		{"rate limited, wrapped by the dispatcher",
			fmt.Errorf("send outbox row 7: %w", &bot.SendError{Channel: bot.SMS, Failure: bot.FailTemporary, RetryAfter: 3 * time.Second, Err: errors.New("429")}),
			true, 3 * time.Second},
		{"opted out", &bot.SendError{Channel: bot.SMS, Failure: bot.FailOptedOut, Err: errors.New("21610")}, false, 0},
		{"blocked", &bot.SendError{Channel: bot.Telegram, Failure: bot.FailBlocked, Err: errors.New("403")}, false, 0},
		{"an unclassified error is tried again", context.DeadlineExceeded, true, 0},
		{"no error", nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry, after := bot.Retryable(tt.err)
			if retry != tt.wantRetry || after != tt.wantAfter {
				t.Fatalf("Retryable = %v, %v; want %v, %v", retry, after, tt.wantRetry, tt.wantAfter)
			}
		})
	}
}

func TestSendErrorUnwrapsAndNamesTheFailure(t *testing.T) {
	err := &bot.SendError{Channel: bot.SMS, Failure: bot.FailTemporary, Code: "20429", Err: context.DeadlineExceeded}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("SendError does not unwrap to its cause")
	}
	if got, want := err.Error(), "sms send failed (temporary 20429): context deadline exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
