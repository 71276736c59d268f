variable "region" {
  type = string
}

variable "account_id" {
  type = string
}
