package bot

// The Telegram link flow: a one-time code and the SMS invitation that
// carries it. Nothing in production issues codes yet (the inbox will, in a
// later change), so these live with the tests that cover the flow end to
// end, in telegram_pipeline_test.go. Move them back into status.go when
// production calls them.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/linkbot/linkbot/store"
)

// LinkCodeLifetime is how long a Telegram link code stays usable.
const LinkCodeLifetime = 7 * 24 * time.Hour

// IssueLinkCode makes a one-time code that binds a Telegram chat to the
// person (personID) or link worker (linkWorkerID, when personID is 0) of
// the scheme, usable until LinkCodeLifetime from now. Put it in a link
// with telegram.Bot.StartLink.
func IssueLinkCode(ctx context.Context, tx *store.Tx, schemeID, personID, linkWorkerID int64) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	c := store.LinkCode{Code: base64.RawURLEncoding.EncodeToString(b), SchemeID: schemeID,
		ExpiresAt: tx.Now().Add(LinkCodeLifetime)}
	if personID != 0 {
		c.PersonID = &personID
	} else {
		c.LinkWorkerID = &linkWorkerID
	}
	if err := tx.CreateLinkCode(ctx, &c); err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	return c.Code, nil
}

// QueueTelegramInvite queues an SMS to the person with link, a
// t.me/<bot>?start=<code> link from telegram.Bot.StartLink and
// IssueLinkCode: opening it moves their messages to Telegram.
func QueueTelegramInvite(ctx context.Context, tx *store.Tx, p store.Person, link string) error {
	if p.Phone == nil {
		return fmt.Errorf("telegram invite: person %d has no phone number", p.ID)
	}
	text := "To get these messages on Telegram instead, open " + link + " (the link works once)."
	m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
		Kind: store.MessageKeyword, Body: text}
	return tx.QueueMessage(ctx, &m)
}
