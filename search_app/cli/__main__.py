from search_app.cli import main

main()
