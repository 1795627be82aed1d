module github.com/linkbot/linkbot

go 1.26.0
