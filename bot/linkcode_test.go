package bot

// The SMS invitation that carries a Telegram link code, as the inbox's
// "Invite to Telegram" sends it, for the tests of the link flow.

import (
	"context"
	"fmt"

	"github.com/linkbot/linkbot/store"
)

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
