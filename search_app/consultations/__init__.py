"""Legal advice service: questions from officials, answers by lawyers (issue 21).

So far only the account-independent part: the citation picker's logic
(``picker``). The queue, its tables and blueprint come with accounts.
"""
