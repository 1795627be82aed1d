module github.com/linkbot/linkbot

go 1.26.0

require (
	github.com/go-telegram/bot v1.19.0
	github.com/twilio/twilio-go v1.31.0
)

require (
	github.com/golang/mock v1.6.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
)
